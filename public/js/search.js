// Search that finds what people type: names in any case and accent, codes, ISO letters, Russian
// names, and the other names people use for a service or a country (gmail → Google, britain → GB).

/** Extra words per service code. */
const SERVICE_ALIASES = {
  go: "gmail youtube google play android гугл",
  tw: "x twitter твиттер",
  wa: "whatsapp ватсап вотсап",
  tg: "telegram телеграм телеграмм",
  fb: "facebook meta фейсбук",
  ig: "instagram insta инстаграм",
  ds: "discord дискорд",
  mm: "microsoft outlook hotmail skype xbox live",
  wx: "apple icloud apple id",
  ts: "paypal",
  lf: "tiktok douyin тикток",
  wb: "wechat weixin вичат",
  vk: "vk vkontakte вконтакте вк",
  ok: "ok odnoklassniki одноклассники",
  ya: "yandex яндекс",
  am: "amazon aws",
  mt: "steam valve стим",
  oi: "tinder тиндер",
  nf: "netflix нетфликс",
  ub: "uber убер",
  vi: "viber вайбер",
  ot: "other any другой",
};

/** Extra words per ISO country code. */
const COUNTRY_ALIASES = {
  GB: "uk gb england britain great britain united kingdom англия британия великобритания",
  US: "usa us america united states сша америка",
  DE: "deutschland germany германия",
  RU: "russia россия рф",
  UA: "ukraine україна украина",
  KZ: "kazakhstan казахстан",
  FR: "france франция",
  NL: "netherlands holland нидерланды голландия",
  PL: "poland polska польша",
  ES: "spain españa испания",
  IT: "italy italia италия",
  ID: "indonesia индонезия",
  IN: "india bharat индия",
  BR: "brazil brasil бразилия",
  PH: "philippines филиппины",
  VN: "vietnam вьетнам",
  CN: "china 中国 китай",
  TR: "turkey türkiye турция",
  CA: "canada канада",
  MX: "mexico méxico мексика",
  TH: "thailand таиланд",
  MY: "malaysia малайзия",
  EE: "estonia eesti эстония",
  LT: "lithuania литва",
  LV: "latvia латвия",
  RO: "romania румыния",
  GE: "georgia грузия",
  IL: "israel израиль",
  KG: "kyrgyzstan киргизия",
  UZ: "uzbekistan узбекистан",
};

/** Lower case, no accents, "ё" as "е": how people type. @param {string} text */
export const fold = (text) =>
  text.toLocaleLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").replace(/ё/g, "е");

/** @param {string} code */
export const serviceWords = (code) => /** @type {Record<string, string>} */ (SERVICE_ALIASES)[code] ?? "";
/** @param {string} iso */
export const countryWords = (iso) => /** @type {Record<string, string>} */ (COUNTRY_ALIASES)[iso] ?? "";

/**
 * Whether every word of the query starts a word of the haystack (so "uk" finds "United Kingdom" by
 * its alias but not "Ukraine"; "tele" finds "Telegram").
 * @param {string} haystack already folded
 * @param {string} queryText raw
 */
export const matches = (haystack, queryText) => {
  const words = fold(queryText).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const tokens = haystack.split(/[\s/,()·-]+/);
  return words.every((w) => tokens.some((t) => t.startsWith(w)) || (w.length > 3 && haystack.includes(w)));
};
