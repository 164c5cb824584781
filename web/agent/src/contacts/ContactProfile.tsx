import type { ReactNode } from "react";
import { Avatar } from "../app/Avatar";
import { formatDateTime } from "../ui/dateTime";
import { formatValue, IDENTITY_LABELS, shortId, sortIdentities } from "./format";
import { useContactAttributes, type ContactOut } from "./queries";

/** Who the customer is: name, primary addresses, identities (verified or not), attributes, claims. */
export function ContactProfile({ contact, actions }: { contact: ContactOut; actions?: ReactNode }) {
  const attributes = useContactAttributes();
  const labels = new Map((attributes.data ?? []).map((a) => [a.name, a.label || a.name]));
  const attributeEntries = Object.entries(contact.attributes);
  const claimEntries = Object.entries(contact.claims).filter(([, v]) => v !== null && v !== "");

  return (
    <section className="pane profile" aria-labelledby={`profile-${contact.id}`}>
      <div className="profile__head">
        <Avatar name={contact.name} size="lg" />
        <div className="profile__who">
          <h3 className="profile__name" id={`profile-${contact.id}`} data-testid="profile-name">
            {contact.name}
          </h3>
          {contact.email && <div className="profile__line">{contact.email}</div>}
          {contact.phone && <div className="profile__line">{contact.phone}</div>}
          <div className="profile__since">Since {formatDateTime(contact.created_at)}</div>
        </div>
        {actions}
      </div>

      {contact.identities.length > 0 && (
        <>
          <h4 className="pane__subtitle">Identities</h4>
          <ul className="identities">
            {sortIdentities(contact.identities).map((identity) => (
              <li
                key={identity.id}
                className="identity"
                data-testid="profile-identity"
                data-kind={identity.kind}
                data-verified={identity.verified ? "true" : "false"}
              >
                <span className="identity__kind">{IDENTITY_LABELS[identity.kind] ?? identity.kind}</span>
                <span className="identity__value" title={identity.value}>
                  {identity.kind === "visitor" ? shortId(identity.value) : identity.value}
                </span>
                {identity.verified ? (
                  <span className="chip chip--ok identity__badge" title="Vouched for by the shop's back-end or a signed sign-in">
                    <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M3.5 8.5l3 3 6-7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" /></svg>
                    Verified
                  </span>
                ) : (
                  <span className="chip chip--muted identity__badge">Unverified</span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}

      {attributeEntries.length > 0 && (
        <>
          <h4 className="pane__subtitle">Attributes</h4>
          <dl className="facts" data-testid="profile-attributes">
            {attributeEntries.map(([name, value]) => (
              <div key={name} className="facts__row">
                <dt>{labels.get(name) ?? name}</dt>
                <dd>{formatValue(value)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}

      {claimEntries.length > 0 && (
        <>
          <h4 className="pane__subtitle">
            Claimed on the website <span className="chip chip--warn">not verified</span>
          </h4>
          <dl className="facts facts--claims" data-testid="profile-claims">
            {claimEntries.map(([name, value]) => (
              <div key={name} className="facts__row">
                <dt>{name.replace(/_/g, " ")}</dt>
                <dd>{formatValue(value)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </section>
  );
}
