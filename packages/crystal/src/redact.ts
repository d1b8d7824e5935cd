// One redactor for everything that is logged: URLs, query strings, raw PBX answers.

/**
 * A secret parameter's name, then its `=` in one of three spellings: plain (`secure=`), URL-encoded
 * once (`secure%3D`, a URL inside a query parameter) or twice (`secure%253D`). The value runs to the
 * next separator of the same spelling, so an encoded `&` inside the value (`%26` in a plain URL)
 * is redacted with it.
 */
const SECRET_PARAMS = [
  /((?:secure|agent_pass)=)[^&#\s"<>]*/gi,
  /((?:secure|agent_pass)%3D)(?:(?!%26|%23)[^&#\s"<>])*/gi,
  /((?:secure|agent_pass)%253D)(?:(?!%2526|%2523)[^&#\s"<>])*/gi,
];

/** Replaces the values of the `secure` and `agent_pass` query parameters with `***`. */
export function redact(text: string): string {
  return SECRET_PARAMS.reduce((result, pattern) => result.replace(pattern, "$1***"), text);
}
