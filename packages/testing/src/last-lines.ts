/** The end of a server log, enough to explain a failed start inside an error message. */
export function lastLines(text: string, count = 20): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
