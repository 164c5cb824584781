import { SKILL_LEVELS, type SkillDraft } from "./profileForm";

/** An agent's skills as rows of name and level (1-5). */
export function SkillsEditor({
  skills,
  errors,
  onChange,
}: {
  skills: readonly SkillDraft[];
  /** Messages by slot: "skills", "skills.<row>". */
  errors: Record<string, string>;
  onChange(skills: SkillDraft[], slot?: string): void;
}) {
  const edit = (index: number, patch: Partial<SkillDraft>) =>
    onChange(
      skills.map((s, i) => (i === index ? { ...s, ...patch } : s)),
      `skills.${index}`,
    );
  return (
    <fieldset className="skills" data-testid="skills-editor">
      <legend className="field__label">Skills</legend>
      {errors.skills && (
        <p className="field__error" data-testid="field-error" data-field="skills">
          {errors.skills}
        </p>
      )}
      {skills.length === 0 && <p className="field__hint">No skills: this agent matches only targets that ask for none.</p>}
      <ul className="skills__list">
        {skills.map((skill, i) => (
          <li key={i} className={`skills__item${errors[`skills.${i}`] ? " field--invalid" : ""}`} data-testid="skill-row">
            <input
              aria-label={`Skill ${i + 1} name`}
              data-testid={`skill-name-${i}`}
              autoComplete="off"
              spellCheck={false}
              maxLength={32}
              placeholder="e.g. fridges"
              aria-invalid={Boolean(errors[`skills.${i}`])}
              value={skill.name}
              onChange={(e) => edit(i, { name: e.target.value })}
            />
            <select aria-label={`Skill ${i + 1} level`} data-testid={`skill-level-${i}`} value={skill.level} onChange={(e) => edit(i, { level: Number(e.target.value) })}>
              {SKILL_LEVELS.map((level) => (
                <option key={level} value={level}>
                  Level {level}
                </option>
              ))}
            </select>
            <button type="button" className="button button--ghost button--small" aria-label={`Remove skill ${i + 1}`} onClick={() => onChange(skills.filter((_, j) => j !== i))}>
              Remove
            </button>
            {errors[`skills.${i}`] && (
              <p className="field__error skills__error" data-testid="field-error" data-field={`skills.${i}`}>
                {errors[`skills.${i}`]}
              </p>
            )}
          </li>
        ))}
      </ul>
      <button type="button" className="button button--small" data-testid="skill-add" onClick={() => onChange([...skills, { name: "", level: 3 }])}>
        Add skill
      </button>
    </fieldset>
  );
}
