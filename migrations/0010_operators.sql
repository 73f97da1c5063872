ALTER TABLE `services` ADD `disabled_at` integer;
--> statement-breakpoint
ALTER TABLE `countries` ADD `disabled_at` integer;
--> statement-breakpoint
CREATE TABLE `price_overrides` (
	`service` text NOT NULL,
	`country` integer NOT NULL,
	`price` integer,
	`markup_percent` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`service`, `country`),
	FOREIGN KEY (`service`) REFERENCES `services`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`country`) REFERENCES `countries`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "price_overrides_one_of" CHECK(("price_overrides"."price" IS NULL) <> ("price_overrides"."markup_percent" IS NULL)),
	CONSTRAINT "price_overrides_price_positive" CHECK("price_overrides"."price" IS NULL OR "price_overrides"."price" > 0),
	CONSTRAINT "price_overrides_markup_range" CHECK("price_overrides"."markup_percent" IS NULL OR ("price_overrides"."markup_percent" >= 0 AND "price_overrides"."markup_percent" <= 1000))
);
