// Tells the server when the visitor is typing: `true` on the first keystroke,
// `false` after 3 s without input or when the message is sent.

export const TYPING_IDLE_MS = 3000;

export class TypingNotifier {
  private typing = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (state: boolean) => void,
    private readonly idleMs = TYPING_IDLE_MS,
  ) {}

  /** Call on every input event. */
  input(): void {
    if (!this.typing) {
      this.typing = true;
      this.send(true);
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), this.idleMs);
  }

  /** Call when the message is sent or the panel closes. */
  stop(): void {
    clearTimeout(this.idleTimer);
    if (!this.typing) return;
    this.typing = false;
    this.send(false);
  }
}
