// The one error a secret store throws of its own: a key it will not keep, or a kept value it cannot read.
import { MotherDuckError } from "../index.js";

/**
 * A secret store refused a key (one that would leave its folder) or found a value it cannot read (a
 * corrupt file). `key` is the store key and `file` the file concerned, when there is one; the message names
 * them and never holds a secret.
 */
export class SecretStoreError extends MotherDuckError {
  static {
    Object.defineProperty(this.prototype, "name", { value: "SecretStoreError", writable: true, configurable: true });
  }
  /** The store key concerned, `<serviceAccount>/<token name>`. */
  readonly key: string;
  /** The file concerned, for a file store. */
  readonly file: string | undefined;
  constructor(message: string, key: string, file?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.key = key;
    this.file = file;
  }
}
