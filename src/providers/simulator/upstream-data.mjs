// What the simulated upstream sells: per-service base costs, per-country cost factors and stock, and
// the shape of its phone numbers. Plain JavaScript so that both the Worker (the simulator itself)
// and scripts/seed.mjs (the local catalog before the first sync) read the same figures.

/** Name in messages, base cost in US cents and the share of a country's numbers still unused for the service. */
export const SERVICES = {
  tg: { name: "Telegram", cost: 20, share: 0.6 },
  wa: { name: "WhatsApp", cost: 25, share: 0.5 },
  go: { name: "Google", cost: 15, share: 0.8 },
  fb: { name: "Facebook", cost: 10, share: 0.9 },
  ig: { name: "Instagram", cost: 12, share: 0.9 },
  tw: { name: "X", cost: 10, share: 0.9 },
  ds: { name: "Discord", cost: 8, share: 1 },
  vi: { name: "Viber", cost: 6, share: 1 },
  wb: { name: "WeChat", cost: 30, share: 0.3 },
  am: { name: "Amazon", cost: 9, share: 1 },
  mm: { name: "Microsoft", cost: 7, share: 1 },
  lf: { name: "TikTok", cost: 8, share: 0.9 },
  ub: { name: "Uber", cost: 6, share: 1 },
  wx: { name: "Apple", cost: 14, share: 0.8 },
  ts: { name: "PayPal", cost: 18, share: 0.7 },
  nf: { name: "Netflix", cost: 7, share: 1 },
  oi: { name: "Tinder", cost: 12, share: 0.8 },
  mt: { name: "Steam", cost: 6, share: 1 },
  vk: { name: "VK", cost: 5, share: 0.7 },
  ok: { name: "OK", cost: 4, share: 0.9 },
  ya: { name: "Yandex", cost: 5, share: 0.8 },
  ot: { name: "verification", cost: 5, share: 1 },
};

// Number formats: "#" any digit, "N" a digit 2–9, "{a|b}" one of the listed prefixes. Mobile ranges
// of each country, so numbers look like the real thing.
export const COUNTRIES = {
  0: { factor: 1.5, stock: 900, format: "+79#########" },
  1: { factor: 1.2, stock: 400, format: "+380{50|63|66|67|68|73|93|95|96|97|98|99}#######" },
  2: { factor: 1.1, stock: 300, format: "+77{00|01|02|05|07|47|71|75|76|77|78}#######" },
  4: {
    factor: 0.8,
    stock: 500,
    format: "+639{05|06|15|16|17|26|27|35|45|55|56|66|75|77|95|96|97|98}#######",
  },
  6: {
    factor: 0.6,
    stock: 1200,
    format: "+628{11|12|13|21|22|23|51|52|53|55|56|57|77|78|81|82|83|95|96}########",
  },
  7: { factor: 0.9, stock: 350, format: "+601{0|1|2|3|4|6|7|8|9}#######" },
  10: { factor: 0.7, stock: 600, format: "+84{3|5|7|8|9}########" },
  15: { factor: 1.8, stock: 150, format: "+48{5|6|7|88}########" },
  16: { factor: 2.5, stock: 250, format: "+447{4|5|7|8|9}########" },
  22: { factor: 0.7, stock: 1500, format: "+91{6|7|8|9}#########" },
  36: { factor: 2.8, stock: 120, format: "+1{204|250|306|403|416|438|514|604|613|647|778|905}N######" },
  43: {
    factor: 3,
    stock: 100,
    format: "+49{151|152|157|160|162|163|170|171|172|175|176|177|178|179}########",
  },
  48: { factor: 2.6, stock: 90, format: "+316########" },
  56: { factor: 2.2, stock: 140, format: "+34{6|7}########" },
  73: { factor: 1, stock: 800, format: "+55{11|21|31|41|51|61|71|81|85}9########" },
  78: { factor: 2.7, stock: 110, format: "+33{6|7}########" },
  86: {
    factor: 2.4,
    stock: 130,
    format: "+393{20|28|29|30|31|33|34|35|38|39|40|45|46|47|48|49|66|77|88|89|91|92}#######",
  },
  187: {
    factor: 3.2,
    stock: 200,
    format: "+1{201|212|213|305|310|312|347|415|512|617|646|702|718|786|832|917}N######",
  },
};

/** How many numbers the upstream keeps per country; a number serves one rental at a time. */
export const POOL_SIZE = 100;

/** The upstream's starting price list: cost in US cents and stock per service × country. */
export const initialOffers = () =>
  Object.entries(COUNTRIES).flatMap(([country, c]) =>
    Object.entries(SERVICES).map(([service, s]) => ({
      service,
      country: Number(country),
      cost: Math.max(1, Math.round(s.cost * c.factor)),
      stock: Math.round(c.stock * s.share),
    })),
  );
