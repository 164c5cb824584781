/** "Test connection": the server calls the provider with the inbox's credentials and says what it answered. */
import { errorMessage } from "../api/client";
import { useTestInbox } from "./inboxes";

export function ConnectionTest({ inboxId }: { inboxId: string }) {
  const test = useTestInbox(inboxId);
  const result = test.data;
  return (
    <div className="admin-stack">
      <button
        type="button"
        className="button button--small"
        data-testid="inbox-test"
        disabled={test.isPending}
        onClick={() => test.mutate()}
      >
        {test.isPending ? "Testing…" : "Test connection"}
      </button>
      {!test.isPending && result && (
        <p
          className={result.ok ? "form-success" : "form-error"}
          role="status"
          data-testid="inbox-test-result"
          data-ok={String(result.ok)}
        >
          {result.ok ? "Connected: " : "Not connected: "}
          {result.detail}
        </p>
      )}
      {!test.isPending && test.isError && (
        <p className="form-error" role="alert" data-testid="inbox-test-result" data-ok="false">
          Could not test: {errorMessage(test.error)}
        </p>
      )}
    </div>
  );
}
