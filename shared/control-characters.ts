/** C0 and C1 control characters, DEL included: never part of a name, key, token, id or URL. */
export const CONTROL_CHARACTERS = /\p{Cc}/u;
