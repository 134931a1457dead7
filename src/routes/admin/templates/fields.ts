/** What the template form posts, as typed: a refusal sends it back so nothing is lost. */
export type TemplateValues = {
	audience: string;
	name: string;
	contentNote: string;
	source: string;
};
export type TemplateField = keyof TemplateValues;
export type TemplateErrors = Partial<Record<TemplateField, string>>;
