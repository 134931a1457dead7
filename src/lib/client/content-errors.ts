/** Content that cannot be shown or saved, for reasons that are not the person's doing. */

/** Something seen before is missing now: the server withheld it (or lost it). */
export class Withheld extends Error {}

/** A page too long to store: the words stay in the editor and the person is told why. */
export class PageTooLong extends Error {}

/** Case writing too long to store in one object: the words stay where they were typed. */
export class ContentTooLong extends Error {}
