CREATE TABLE `account_freezes` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`reason` text NOT NULL,
	`reference` text NOT NULL,
	`detail` text NOT NULL,
	`created_at` integer NOT NULL,
	`lifted_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `account_freezes_reason_unique` ON `account_freezes` (`user_id`,`reason`,`reference`);--> statement-breakpoint
CREATE INDEX `account_freezes_user_lifted` ON `account_freezes` (`user_id`,`lifted_at`);--> statement-breakpoint
CREATE TABLE `order_journal` (
	`activation_id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`step` text NOT NULL,
	`provider` text NOT NULL,
	`provider_ref` text,
	`phone` text,
	`cost` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `order_journal_updated` ON `order_journal` (`updated_at`);--> statement-breakpoint
CREATE INDEX `order_journal_user` ON `order_journal` (`user_id`);--> statement-breakpoint
-- Accounts already frozen keep their reason as a row of its own.
INSERT INTO `account_freezes` (`id`, `user_id`, `reason`, `reference`, `detail`, `created_at`)
SELECT 'frz_' || lower(hex(randomblob(12))), `id`, 'shortfall', 'migrated', COALESCE(`frozen_reason`, 'Frozen.'), `frozen_at`
FROM `users` WHERE `frozen_at` IS NOT NULL;
