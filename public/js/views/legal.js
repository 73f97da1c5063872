// The Privacy Policy and the Terms of Service. Brand, support address, dates and numbers come from the
// service's configuration, so the pages describe the deployment that serves them.
import { h, mount } from "../dom.js";
import { duration, longDate } from "../format.js";
import { session } from "../session.js";

/** @typedef {import("../dom.js").Children} Children */

/**
 * @param {string} title
 * @param {...Children} sections
 */
const legalPage = (title, ...sections) => {
  const { policyLastUpdated, policyVersion } = session.config;
  return h(
    "article",
    { class: "legal card" },
    h("h1", { tabindex: "-1" }, title),
    h("p", { class: "muted" }, `Last updated ${longDate(policyLastUpdated)} · version ${policyVersion}`),
    ...sections,
  );
};

/**
 * @param {string} heading
 * @param {...Children} body
 */
const section = (heading, ...body) => h("section", null, h("h2", null, heading), ...body);

/** @param {...Children} items */
const list = (...items) =>
  h(
    "ul",
    null,
    items.map((item) => h("li", null, item)),
  );

const contact = () => {
  const email = session.config.supportEmail;
  return h("a", { href: `mailto:${email}` }, email);
};

/** @param {import("../router.js").ViewContext} ctx */
export const privacyView = ({ main }) => {
  const { brandName, smsRetentionDays } = session.config;
  mount(
    main,
    legalPage(
      "Privacy Policy",
      h(
        "p",
        null,
        `${brandName} rents temporary phone numbers so you can receive SMS verification codes. This page lists exactly what we keep about you, why, and for how long. Questions or requests: `,
        contact(),
        ".",
      ),
      section(
        "What we collect",
        list(
          [
            h("strong", null, "Account: "),
            "your email address, a salted and peppered hash of your password (never the password itself), whether and when you verified your email, and which version of these policies you accepted and when.",
          ],
          [
            h("strong", null, "Sign-ins: "),
            "for each session, and in your security log (sign-ins, failed sign-in attempts, sign-outs, password changes, API key changes), the time, your IP address and your browser's user agent. You can see your own security log in the dashboard.",
          ],
          [
            h("strong", null, "API keys: "),
            "each key's name, its first characters, a one-way hash of the key, when it was last used and how many requests it made. We cannot show a key again after creating it.",
          ],
          [
            h("strong", null, "Money: "),
            "your balance and a ledger of every top-up, reservation, charge and refund, with the Stripe payment references needed to reconcile them.",
          ],
          [
            h("strong", null, "Numbers and messages: "),
            "for each number you buy, the service and country you chose, the phone number, the price, its status and times, and the SMS messages that number received with the codes found in them.",
          ],
          [
            h("strong", null, "Emails we send you: "),
            "a copy of each account email (verification and password reset links) with its time.",
          ],
        ),
      ),
      section(
        "How long we keep it",
        list(
          `The text of received SMS messages and the codes in them are deleted ${smsRetentionDays} days after they arrive.`,
          "Your account, ledger and security log are kept while your account exists.",
          "When you delete your account (in Settings), your email address, password hash, sessions, API keys, security log, account emails and all message contents are deleted at once. Records of payments and of numbers bought stay for accounting, without any message content and tied to an id that no longer leads to you.",
        ),
      ),
      section(
        "Who else handles it",
        list(
          [
            h("strong", null, "Stripe "),
            "processes card payments on its own secure pages. Your card details go to Stripe and never reach us; we receive only the payment's outcome and reference.",
          ],
          [
            h("strong", null, "Cloudflare "),
            "hosts the service; its network sees your IP address and requests in order to deliver them.",
          ],
          [
            h("strong", null, "Number providers "),
            "supply the phone numbers. They learn which service and country a number is for, and the SMS it receives; never your email or payment details.",
          ],
          [h("strong", null, "An email delivery service "), "carries the account emails we send you."],
        ),
        h("p", null, "We do not sell your data, and we do not use it for advertising."),
      ),
      section(
        "Cookies",
        h(
          "p",
          null,
          "We use one essential cookie, ",
          h("code", null, "__Host-smsprof_session"),
          ", to keep you signed in. It is HttpOnly (scripts cannot read it), sent only over secure connections, and removed when you log out. If you pick a language with the switch, a second cookie, ",
          h("code", null, "lang"),
          ', remembers it for a year; it holds only "en" or "ru". There are no analytics, advertising or third-party cookies, and the dashboard loads nothing from other websites — which is why there is no cookie banner.',
        ),
      ),
      section(
        "Your rights",
        h(
          "p",
          null,
          "In Settings you can download everything we keep about you as one file, and delete your account. For corrections, objections or anything else, write to ",
          contact(),
          " from the email address of your account; we answer within 30 days.",
        ),
      ),
    ),
  );
};

/** @param {import("../router.js").ViewContext} ctx */
export const termsView = ({ main }) => {
  const { brandName, activationMinutes, earlyCancelSeconds } = session.config;
  mount(
    main,
    legalPage(
      "Terms of Service",
      h(
        "p",
        null,
        `These terms apply when you use ${brandName}, its dashboard and its API. By creating an account you accept them.`,
      ),
      section(
        "Who may use it",
        list(
          "You must be at least 18 years old.",
          "Keep your password and API keys secret; you are responsible for what is done with them. Revoke a key you no longer trust from the API keys page.",
        ),
      ),
      section(
        "What you get",
        list(
          `A number is yours for ${activationMinutes} minutes to receive SMS messages for the service you chose. Numbers are temporary and may later be given to someone else: do not use them for accounts you will need to recover by SMS.`,
          "The price of a number is reserved from your balance when you buy it and charged only when a code arrives. If no code arrives and you cancel it, or it expires, the reservation is released in full.",
          earlyCancelSeconds > 0
            ? `A number can be cancelled ${duration(earlyCancelSeconds)} after purchase at the earliest, which gives the SMS time to arrive.`
            : "A number without a code can be cancelled at any time.",
          "Prices, countries and stock change with what our providers offer; the price shown when you buy is the most you are charged.",
        ),
      ),
      section(
        "Your balance",
        list(
          "Your balance is prepaid credit for this service. Top-ups are paid through Stripe.",
          "Disputing a card payment freezes the account while the dispute is open: you cannot buy new numbers, but codes already received stay visible.",
          ["For questions about refunds of unused credit, write to ", contact(), "."],
        ),
      ),
      section(
        "Fair use",
        list(
          "Do not use the service for fraud, to break the law, to harass anyone, or to abuse other services.",
          "Do not try to get around rate limits or to access other customers' numbers, messages or accounts.",
          "We may suspend accounts that break these rules.",
        ),
      ),
      section(
        "No guarantee",
        h(
          "p",
          null,
          "We do our best to keep the service available, but codes depend on other services choosing to send an SMS and on providers delivering it. Whatever happens, you are never charged for a number that received no code.",
        ),
      ),
      section(
        "Changes and contact",
        h(
          "p",
          null,
          "When these terms change we update the date and version above; your account records which version you accepted. Questions: ",
          contact(),
          ".",
        ),
      ),
    ),
  );
};
