// The Privacy Policy: the one source of its text, version and date. A change of what it promises is
// a new version (and date): signed-in customers are then asked to accept it before their next order.
import { html } from "hono/html";
import type { PageFacts } from "../facts";

export const privacyPolicy = {
  document: "privacy" as const,
  title: "Privacy Policy",
  version: "2026-03-20",
  lastUpdated: "2026-03-20",
  body: (f: PageFacts) => html`
    <p>
      ${f.brand} rents temporary phone numbers so that you can receive SMS verification codes. This policy
      says what we collect, why, who else handles it, how long we keep it and how you use your rights.
    </p>

    <section id="collected">
      <h2>What we collect and why</h2>
      <ul>
        <li><strong>Your account:</strong> your email address, your password stored securely (a salted,
          peppered one-way hash, never the password itself), and session data (when you signed in, from
          which IP address and browser). We need it to run your account and keep it safe.</li>
        <li><strong>Activations:</strong> each number you rent, with its service, country, price, status and
          times.</li>
        <li><strong>SMS codes and text:</strong> the messages your numbers receive and the codes in them. We use
          them only to deliver them to you, for the reliability of the service, and where the law obliges us.</li>
        <li><strong>Transactions:</strong> top-ups, reservations, charges and refunds, for accounting and to
          settle disputes.</li>
        <li><strong>Support messages:</strong> the tickets and privacy requests you send us and our answers.</li>
        <li><strong>Your security log:</strong> sign-ins, failed attempts, password and key changes, with IP
          address and browser, to protect your account; you can read it in the dashboard.</li>
        <li><strong>Your consent:</strong> which version of this policy and of the Terms you accepted, and when
          you confirmed that you are an adult.</li>
      </ul>
      <p>We use this data for fraud prevention too: limits on sign-in attempts and orders, and the checks
        that keep one customer from reaching another's numbers.</p>
      <p><strong>We do not sell your personal data</strong>, and we do not use it for advertising.</p>
    </section>

    <section id="processors">
      <h2>Who else handles it (sub-processors)</h2>
      <ul>
        ${f.processors.map(
          (p) => html`<li><strong>${p.name}</strong>: ${p.role}. Receives ${p.receives}.</li>`,
        )}
      </ul>
      <p>Analytics: none. The service runs no analytics and loads nothing from other websites.</p>
    </section>

    <section id="retention">
      <h2>How long we keep it</h2>
      <p>The text and codes of SMS are erased ${f.smsRetentionDays} days after each message arrived, in every
        copy we keep. The full schedule:</p>
      <table class="retention">
        <thead><tr><th scope="col">What</th><th scope="col">Kept</th></tr></thead>
        <tbody>
          ${f.retention.map((r) => html`<tr><td>${r.holds} <code>${r.table}</code></td><td>${r.kept}</td></tr>`)}
        </tbody>
      </table>
    </section>

    <section id="rights">
      <h2>Your rights and how to use them</h2>
      <p>You may withdraw your consent, object to processing, access your data, have it corrected or
        deleted, restrict its processing, know how it is processed, take it with you (portability), and
        complain to a data protection authority.</p>
      <ul>
        <li><strong>Access and portability:</strong> in Settings, download everything we keep about you as one
          JSON file.</li>
        <li><strong>Deletion:</strong> in Settings, delete your account; personal data goes at once, what
          accounting requires stays without leading to you.</li>
        <li><strong>Correction:</strong> change your email address in Settings (confirmed from the new address).</li>
        <li><strong>Restriction:</strong> in Settings, restrict processing: your data is kept but nothing new is
          done with it (no orders or top-ups) until you lift it.</li>
        <li><strong>Withdrawing consent:</strong> nothing optional is processed on the basis of consent today, so
          there is nothing to withdraw; if that changes, this page will say so and offer the switch.</li>
        <li><strong>Anything else</strong> (objection, information, a complaint): open a privacy request in the
          dashboard's Support page, or write to <a href="mailto:${f.supportEmail}">${f.supportEmail}</a>; a request
          sent by email is acted on once you confirm it from the link we send you.</li>
      </ul>
      <p>You can also complain to the data protection authority where you live.</p>
    </section>

    <section id="cookies">
      <h2>Cookies</h2>
      <p>Two essential cookies: <code>__Host-smsprof_session</code> keeps you signed in, and
        <code>__Host-smsprof_device</code> remembers that this browser signed in to your account before, so
        that others' failed attempts cannot lock you out. Both are HttpOnly and sent only over secure
        connections. If you pick a language with the switch, a third cookie, <code>lang</code>, remembers it
        for a year; it holds only "en" or "ru". No analytics, advertising or third-party cookies.</p>
    </section>

    <section id="security">
      <h2>Security and breach notification</h2>
      <p>Passwords and API keys are stored only as one-way hashes; every connection is encrypted; revoking a
        key or signing out ends the live streams opened with it. If a breach puts your data at risk, we tell
        you and the competent authority without undue delay, within 72 hours of finding out.</p>
    </section>

    <section id="adults">
      <h2>Adults only</h2>
      <p>The service is for people aged 18 or over; you confirm it when you sign up, and we store when.</p>
    </section>

    <section id="contact">
      <h2>Contact</h2>
      <p>Write to <a href="mailto:${f.supportEmail}">${f.supportEmail}</a> or open a ticket in the dashboard.
        We answer within 48–72 hours on business days.</p>
    </section>
  `,
};
