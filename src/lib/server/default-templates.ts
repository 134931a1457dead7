import type { FormTemplateRow } from './db/schema';

/**
 * The forms a fresh deployment starts with, in the plain-text format of $lib/form-template.
 * Admins can change or replace them. Written never to presume: no label for what happened,
 * every question optional, "I don't know yet" always a fair answer.
 */
export type DefaultTemplate = { name: string; contentNote: string; source: string };

const survivor: DefaultTemplate = {
	name: 'Your needs and wishes',
	contentNote:
		'These questions touch on what happened, how you are now, your safety and what repair could look like. Every question is optional: answer some, all or none, in your own words. Nothing is sent until you choose to send it, and you can stop at any time.',
	source: `# Needs
long: What do you need right now?
> For example rest, space, someone to talk to, practical help or information. Anything counts.
many: Which kinds of support would help you at the moment?
- Someone to talk to
- Counselling or health care
- Practical help, for example with housing, work or study
- Time and space, with no contact for now
- Information about how this process works
- I am not sure yet
short: Is there someone who supports you that you would like us to know about?
> A first name or a role is enough, for example "my sister" or "a friend".

# Safety and boundaries
scale: How safe do you feel right now?
- Not safe at all
- Completely safe
one: Would you like a facilitator to talk with you about staying safe?
- Yes, soon
- Yes, when it suits me
- Not now
long: Are there boundaries you want everyone in this process to respect?
> For example places, times, people or topics. You can change them at any time.
date: Is there a date that matters to you, for example one to avoid?

# What you want understood
long: What do you want the facilitators to understand about what happened, or how it has affected you?
> Share only what you want to. You do not need to describe what happened.
long: Is there anything you would want the person who caused the harm to understand?
> Nothing you write here is passed on unless you agree. The facilitators can talk with you about whether, and how, to share it.

# What repair could look like
long: If things could be made a little more right, what might that look like for you?
> There is no right answer, and "I don't know yet" is a fine answer.
many: Which of these might be part of it?
- An acknowledgement of what happened
- An apology
- Changes in how they behave
- Them getting support or learning
- Distance, or limits on contact
- Something practical put right
- I don't know yet
long: Is there anything you do not want to happen?

# Who may read this
long: Is there anything the facilitators should know about who may hear about this, or who must not?
> After these questions you choose who may read your answers.
`
};

const responsible: DefaultTemplate = {
	name: 'Your reflections',
	contentNote:
		'These questions ask about what happened, its impact, your part in it, what you are willing to do and the support you need. Every question is optional. Nothing is sent until you choose to send it, and you can stop at any time.',
	source: `# Understanding what happened
long: In your own words, what is your understanding of what happened?
> Take your time. You can write as much or as little as you like.
long: How do you think it has affected the person who was harmed?
long: Who else may have been affected, and how?

# Taking responsibility
long: What part of what happened do you take responsibility for?
scale: How ready do you feel to take responsibility for your part?
- Not ready yet
- Fully ready
long: What makes taking responsibility hard for you, if anything?

# What you are willing to do
many: Which of these are you willing to do?
- Listen to what the person who was harmed wants me to understand
- Acknowledge what I did
- Apologise, if that is wanted
- Keep to limits on contact or places
- Work on what led to it, for example with counselling or a group
- Put something practical right
long: What else are you willing to do, or to change, to help repair the harm?
date: Is there a date the facilitators should know about, for example one when you cannot take part?

# Support you need
long: What support would help you stay accountable?
> For example someone to talk to, help with stress or anger, or practical help.
short: Is there someone who supports you that you would like us to know about?
one: How are you managing at the moment?
- I am managing
- It is hard, but I am managing
- I am struggling and would like a facilitator to check in

# Anything else
long: Is there anything else you want the facilitators to know?
`
};

export const DEFAULT_TEMPLATES: Record<FormTemplateRow['audience'], DefaultTemplate> = {
	survivor,
	responsible
};
