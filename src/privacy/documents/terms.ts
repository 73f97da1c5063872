// The Terms of Service: the one source of their text, version and date.
import { html } from "hono/html";
import type { PageFacts } from "../facts";

const cancelRule = (seconds: number) =>
  seconds > 0
    ? `A number can be cancelled ${Math.round(seconds / 60) || 1} minute(s) after purchase at the earliest, which gives the SMS time to arrive.`
    : "A number without a code can be cancelled at any time.";

export const termsOfService = {
  document: "terms" as const,
  title: "Terms of Service",
  version: "2026-03-20",
  lastUpdated: "2026-03-20",
  body: (f: PageFacts) => html`
    <p>These terms apply when you use ${f.brand}, its dashboard and its API. By creating an account you accept
      them and the <a href="/privacy">Privacy Policy</a>.</p>
    <section>
      <h2>Who may use it</h2>
      <ul>
        <li>You must be at least 18 years old.</li>
        <li>Keep your password and API keys secret; you are responsible for what is done with them.</li>
      </ul>
    </section>
    <section>
      <h2>What you get</h2>
      <ul>
        <li>A number is yours for ${f.activationMinutes} minutes to receive SMS for the service you chose. Numbers
          are temporary and may later be given to someone else: do not use them for accounts you will need to
          recover by SMS.</li>
        <li>The price is reserved from your balance when you buy and charged only when a code arrives; with no
          code, a cancelled or expired number costs nothing.</li>
        <li>${cancelRule(f.earlyCancelSeconds)}</li>
        <li>The price shown when you buy is the most you are charged.</li>
      </ul>
    </section>
    <section>
      <h2>Your balance</h2>
      <ul>
        <li>Your balance is prepaid credit for this service.</li>
        <li>Disputing a card payment freezes the account while the dispute is open.</li>
      </ul>
    </section>
    <section>
      <h2>Fair use</h2>
      <ul>
        <li>Do not use the service for fraud, to break the law, to harass anyone, or to abuse other services.</li>
        <li>Do not try to get around limits or to reach other customers' numbers, messages or accounts.</li>
        <li>We may suspend accounts that break these rules.</li>
      </ul>
    </section>
    <section>
      <h2>Changes and contact</h2>
      <p>When these terms change, the date and version above change and you are asked to accept the new
        version before your next order. Questions: <a href="mailto:${f.supportEmail}">${f.supportEmail}</a>;
        we answer within 48–72 hours on business days.</p>
    </section>
  `,
};
