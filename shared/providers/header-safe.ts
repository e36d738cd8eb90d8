/** Visible ASCII only: a secret that must travel in an HTTP header (a key, a bearer token) can be sent as is. */
export const HEADER_SAFE = /^[\x21-\x7e]+$/;
