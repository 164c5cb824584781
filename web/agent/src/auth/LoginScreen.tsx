import { useState, type FormEvent } from "react";
import { ApiError, errorMessage } from "../api/client";
import { useLogin } from "./session";
import { t } from "../i18n/i18n";

function loginErrorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      const wait = error.retryAfter ? t("login.tryAgainIn", { s: error.retryAfter }) : "";
      return (error.detail ?? t("login.tooMany")) + (error.detail?.includes("again") ? "" : wait);
    }
    if (error.status === 401) return error.detail ?? t("login.wrong");
  }
  return errorMessage(error);
}

export function LoginScreen() {
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    if (login.isPending) return;
    login.mutate({ email: email.trim(), password });
  }

  return (
    <main className="login">
      <form className="login__card" onSubmit={submit} noValidate>
        <div className="login__brand">
          <span className="brand-mark" aria-hidden="true">H</span>
          <span>Hovor</span>
        </div>
        <h1 className="login__title">{t("login.title")}</h1>
        <label className="field">
          <span className="field__label">{t("login.email")}</span>
          <input
            data-testid="login-email"
            type="email"
            name="email"
            autoComplete="username"
            autoFocus
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field__label">{t("login.password")}</span>
          <input
            data-testid="login-password"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {login.isError && (
          <p className="form-error" role="alert" data-testid="login-error">
            {loginErrorText(login.error)}
          </p>
        )}
        <button
          className="button button--primary button--block"
          type="submit"
          data-testid="login-submit"
          disabled={login.isPending || !email || !password}
        >
          {login.isPending ? t("login.signingIn") : t("login.signIn")}
        </button>
      </form>
    </main>
  );
}
