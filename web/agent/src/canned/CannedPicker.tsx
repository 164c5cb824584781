import type { CannedShortcut } from "./useCannedShortcut";

/** The list of canned responses matching the "/word" being typed; mouse or arrows + Enter. */
export function CannedPicker({ shortcut }: { shortcut: CannedShortcut }) {
  if (shortcut.matches.length === 0) return null;
  return (
    <ul className="canned-picker" role="listbox" aria-label="Canned responses" id="canned-picker" data-testid="canned-picker">
      {shortcut.matches.map((item, i) => (
        <li
          key={item.id}
          role="option"
          aria-selected={i === shortcut.active}
          className={`canned-picker__item${i === shortcut.active ? " canned-picker__item--active" : ""}`}
          data-testid="canned-option"
          data-shortcut={item.shortcut}
          onMouseDown={(e) => {
            e.preventDefault(); // keep the focus (and caret) in the reply box
            shortcut.choose(item);
          }}
        >
          <code className="canned-picker__shortcut">/{item.shortcut}</code>
          <span className="canned-picker__title">{item.title}</span>
          <span className="canned-picker__body">{item.body}</span>
        </li>
      ))}
    </ul>
  );
}

export function CannedWarning({ shortcut }: { shortcut: CannedShortcut }) {
  if (!shortcut.warning) return null;
  return (
    <div className="canned-warning" role="alert" data-testid="canned-warning">
      <span>{shortcut.warning}</span>
      <button type="button" className="link-button" onClick={shortcut.clearWarning}>
        Dismiss
      </button>
    </div>
  );
}
