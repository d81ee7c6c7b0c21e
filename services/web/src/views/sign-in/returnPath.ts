/** Where to go after signing in: `?tillbaka=` when it is a path of this app, else `/` (the role's home). */
export function safeReturnPath(value: string | null): string {
  // "//host" and "/\host" are other origins to a browser; only a plain path of this app is followed.
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/';
}
