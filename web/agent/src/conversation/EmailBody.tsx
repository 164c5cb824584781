import { useMemo } from "react";
import type { EmailPartOut } from "./emailQueries";
import { prepareEmailHtml } from "./emailHtml";

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A received e-mail: its sanitised HTML (when it had some), then its files — image
 *  previews, download links, and those not stored (too large). */
export function EmailBody({ part, text }: { part: EmailPartOut; text: string }) {
  const prepared = useMemo(() => (part.html ? prepareEmailHtml(part.html, part.attachments) : null), [part]);
  const listed = part.attachments.filter((f) => !prepared?.shownInline.has(f.id));
  return (
    <div className="email-body" data-testid="email-body">
      {prepared ? (
        <>
          {prepared.remoteImages > 0 && (
            <p className="email-body__note">Remote images are not loaded; open one by its link.</p>
          )}
          {/* Sanitised on the server (nh3 allow-list) and prepared without loading anything. */}
          <div className="email-body__html" data-testid="email-html" dangerouslySetInnerHTML={{ __html: prepared.html }} />
        </>
      ) : (
        // The text ends with a "📎 name (size)" line per file: the list below shows them.
        <div className="email-body__text">{text.split("\n").filter((line) => !line.startsWith("📎 ")).join("\n").trim()}</div>
      )}
      {(listed.length > 0 || part.not_stored.length > 0) && (
        <ul className="email-body__files" aria-label="Attachments">
          {listed.map((file) => (
            <li key={file.id} data-testid="email-attachment">
              {file.preview && <img className="email-body__preview" src={file.url} alt={file.filename} />}
              <a href={file.url} download={file.filename} target="_blank" rel="noopener noreferrer">
                {file.filename}
              </a>{" "}
              <span className="email-body__size">{size(file.size)}</span>
            </li>
          ))}
          {part.not_stored.map((file, i) => (
            <li key={`skipped-${i}`} className="email-body__skipped" data-testid="email-attachment-skipped">
              {file.filename} <span className="email-body__size">{size(file.size)}</span> — not stored: {file.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
