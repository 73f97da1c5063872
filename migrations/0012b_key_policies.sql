ALTER TABLE `api_keys` ADD `scopes` text;
--> statement-breakpoint
ALTER TABLE `api_keys` ADD `daily_spend_limit` integer;
--> statement-breakpoint
ALTER TABLE `api_keys` ADD `ip_allowlist` text;
--> statement-breakpoint
ALTER TABLE `api_keys` ADD `sms_webhook_url` text;
--> statement-breakpoint
CREATE TABLE `key_orders` (
	`activation_id` text PRIMARY KEY NOT NULL,
	`key_id` text NOT NULL,
	`day` text NOT NULL,
	`amount` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`key_id`) REFERENCES `api_keys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `key_orders_key_day` ON `key_orders` (`key_id`,`day`);
