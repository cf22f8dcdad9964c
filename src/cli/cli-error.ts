/**
 * An error the CLI reports to the user: answered by the server, about reaching it, or about the
 * command line. main.ts prints it as `error CODE: message` and `hint: …`, then exits 1.
 */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint = '',
    /** The HTTP status the server answered; 0 when the error did not come from an answer. */
    readonly status = 0,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
