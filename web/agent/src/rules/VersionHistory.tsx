import { ListState } from "../ui/ListState";
import { formatDateTime } from "../ui/dateTime";
import { useRuleVersions, type RuleVersionOut } from "./queries";
import { diffRules, showValue, type DiffEntry } from "./ruleDiff";

function DiffLine({ entry }: { entry: DiffEntry }) {
  return (
    <li className={`diff__line diff__line--${entry.kind}`} data-testid="rule-diff" data-path={entry.path}>
      <code className="diff__path">{entry.path}</code>
      {entry.kind !== "added" && <del className="diff__before">{showValue(entry.before)}</del>}
      {entry.kind === "changed" && <span className="diff__arrow" aria-hidden="true">→</span>}
      {entry.kind !== "removed" && <ins className="diff__after">{showValue(entry.after)}</ins>}
    </li>
  );
}

function VersionRow({ version, previous }: { version: RuleVersionOut; previous: RuleVersionOut | undefined }) {
  const changes = previous ? diffRules(previous.data, version.data) : [];
  return (
    <li className="version" data-testid="rule-version" data-version={version.version}>
      <div className="version__head">
        <span className="chip chip--accent">v{version.version}</span>
        <span className="version__who">{version.author_name ?? "System"}</span>
        <time className="version__when" dateTime={version.created_at}>
          {formatDateTime(version.created_at)}
        </time>
      </div>
      {version.note && (
        <p className="version__note" data-testid="rule-version-note">
          “{version.note}”
        </p>
      )}
      {previous ? (
        changes.length > 0 ? (
          <ul className="diff" aria-label={`Changes from v${previous.version}`}>
            {changes.map((entry) => (
              <DiffLine key={entry.path} entry={entry} />
            ))}
          </ul>
        ) : (
          <p className="version__same">No change to the rule.</p>
        )
      ) : (
        <p className="version__same">First version.</p>
      )}
    </li>
  );
}

/** Every version, newest first, each with what changed since the one before. */
export function VersionHistory({ ruleKey }: { ruleKey: string }) {
  const versions = useRuleVersions(ruleKey);
  const list = versions.data ?? [];
  return (
    <section className="card" aria-labelledby="history-title">
      <header className="card__header">
        <h2 className="card__title" id="history-title">History</h2>
        {versions.isSuccess && <span className="card__count">{list.length}</span>}
      </header>
      <ListState query={versions} loading="Loading versions…" empty="No versions." isEmpty={list.length === 0} />
      {list.length > 0 && (
        <ol className="versions">
          {list.map((version) => (
            <VersionRow key={version.version} version={version} previous={list.find((v) => v.version < version.version)} />
          ))}
        </ol>
      )}
    </section>
  );
}
