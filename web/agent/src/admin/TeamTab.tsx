import { useState, type FormEvent } from "react";
import type { UserOut } from "../api/client";
import { Avatar } from "../app/Avatar";
import { useUsers } from "../conversation/queries";
import { NO_ERRORS, formErrors, type FormErrors } from "../ui/formErrors";
import { FormError, FormField } from "../ui/FormField";
import { ListState } from "../ui/ListState";
import { PresenceStatus } from "../presence/PresenceStatus";
import { useCreateUser, type UserIn } from "./queries";

const USER_FIELDS = ["email", "name", "password", "role", "chat_capacity"] as const;
type UserField = (typeof USER_FIELDS)[number];

const ROLES: { value: UserOut["role"]; label: string }[] = [
  { value: "agent", label: "Agent" },
  { value: "supervisor", label: "Supervisor" },
  { value: "admin", label: "Admin" },
];

function UserRow({ user, meId }: { user: UserOut; meId: string }) {
  return (
    <tr data-testid="user-row" data-email={user.email}>
      <td>
        <span className="table__who">
          <Avatar name={user.name} size="sm" />
          <span className="table__name">{user.name}</span>
          {user.id === meId && <span className="chip">You</span>}
        </span>
      </td>
      <td className="table__muted">{user.email}</td>
      <td>
        <span className={`chip${user.role === "admin" ? " chip--accent" : ""}`}>{user.role}</span>
      </td>
      <td>
        <PresenceStatus presence={user.presence} reason={user.presence_reason} />
      </td>
      <td className="table__num">{user.chat_capacity}</td>
    </tr>
  );
}

const EMPTY_FORM = { email: "", name: "", password: "", role: "agent" as UserOut["role"], chatCapacity: "3" };

function AddUserForm() {
  const create = useCreateUser();
  const [form, setForm] = useState(EMPTY_FORM);
  const [errors, setErrors] = useState<FormErrors<UserField>>(NO_ERRORS);
  const [added, setAdded] = useState<string | null>(null);

  function edit<K extends keyof typeof EMPTY_FORM>(key: K, field: UserField, value: (typeof EMPTY_FORM)[K]) {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ fields: { ...e.fields, [field]: undefined }, form: e.form }));
    setAdded(null);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (create.isPending) return;
    const body: UserIn = {
      email: form.email.trim(),
      name: form.name.trim(),
      password: form.password,
      role: form.role,
      // An empty or odd value goes as null, so the server names the field.
      chat_capacity: /^\d+$/.test(form.chatCapacity.trim()) ? Number(form.chatCapacity) : Number.NaN,
    };
    setErrors(NO_ERRORS);
    setAdded(null);
    create.mutate(body, {
      onSuccess(user) {
        setForm(EMPTY_FORM);
        setAdded(`${user.name} can now sign in as ${user.email}.`);
      },
      onError(error) {
        setErrors(formErrors(error, USER_FIELDS));
      },
    });
  }

  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-labelledby="add-user-title">
      <header className="card__header">
        <h2 className="card__title" id="add-user-title">Add a team member</h2>
      </header>
      <div className="card__body admin-form__body">
        <FormField field="email" label="E-mail" error={errors.fields.email}>
          {(control) => (
            <input
              {...control}
              data-testid="user-form-email"
              type="email"
              autoComplete="off"
              value={form.email}
              onChange={(e) => edit("email", "email", e.target.value)}
            />
          )}
        </FormField>
        <FormField field="name" label="Name" error={errors.fields.name}>
          {(control) => (
            <input
              {...control}
              data-testid="user-form-name"
              autoComplete="off"
              value={form.name}
              onChange={(e) => edit("name", "name", e.target.value)}
            />
          )}
        </FormField>
        <FormField field="password" label="Password" error={errors.fields.password} hint="At least 8 characters. Share it with them privately.">
          {(control) => (
            <input
              {...control}
              data-testid="user-form-password"
              type="password"
              autoComplete="new-password"
              value={form.password}
              onChange={(e) => edit("password", "password", e.target.value)}
            />
          )}
        </FormField>
        <div className="admin-form__row">
          <FormField field="role" label="Role" error={errors.fields.role}>
            {(control) => (
              <select
                {...control}
                data-testid="user-form-role"
                value={form.role}
                onChange={(e) => edit("role", "role", e.target.value as UserOut["role"])}
              >
                {ROLES.map((role) => (
                  <option key={role.value} value={role.value}>
                    {role.label}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField field="chat_capacity" label="Chat capacity" error={errors.fields.chat_capacity} hint="0 to 50 at once">
            {(control) => (
              <input
                {...control}
                data-testid="user-form-capacity"
                type="number"
                inputMode="numeric"
                min={0}
                max={50}
                value={form.chatCapacity}
                onChange={(e) => edit("chatCapacity", "chat_capacity", e.target.value)}
              />
            )}
          </FormField>
        </div>
        <FormError message={errors.form} />
        {added && (
          <p className="form-success" role="status" data-testid="form-success">
            {added}
          </p>
        )}
        <button type="submit" className="button button--primary" data-testid="user-form-submit" disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add user"}
        </button>
      </div>
    </form>
  );
}

export function TeamTab({ meId }: { meId: string }) {
  const users = useUsers();
  const list = users.data ?? [];
  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="team-title">
        <header className="card__header">
          <h2 className="card__title" id="team-title">Team</h2>
          {users.isSuccess && <span className="card__count">{list.length}</span>}
        </header>
        <ListState query={users} loading="Loading the team…" empty="No users yet." isEmpty={list.length === 0} />
        {list.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col" className="table__num" title="Chats at once">Chats</th>
              </tr>
            </thead>
            <tbody>
              {list.map((user) => (
                <UserRow key={user.id} user={user} meId={meId} />
              ))}
            </tbody>
          </table>
        )}
      </section>
      <AddUserForm />
    </div>
  );
}
