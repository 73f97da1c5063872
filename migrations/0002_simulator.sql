CREATE TABLE `sim_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`rental_ref` text NOT NULL,
	`phone` text NOT NULL,
	`text` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`received_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`delivered_at` integer
);
--> statement-breakpoint
CREATE INDEX `sim_messages_due` ON `sim_messages` (`status`,`due_at`);--> statement-breakpoint
CREATE TABLE `sim_numbers` (
	`phone` text PRIMARY KEY NOT NULL,
	`country` integer NOT NULL,
	`rented_by` text,
	`mode` text
);
--> statement-breakpoint
CREATE INDEX `sim_numbers_country` ON `sim_numbers` (`country`,`rented_by`);--> statement-breakpoint
CREATE UNIQUE INDEX `sim_numbers_rented` ON `sim_numbers` (`rented_by`);--> statement-breakpoint
CREATE TABLE `sim_offers` (
	`service` text NOT NULL,
	`country` integer NOT NULL,
	`cost` integer NOT NULL,
	`stock` integer NOT NULL,
	PRIMARY KEY(`service`, `country`),
	CONSTRAINT "sim_offers_stock" CHECK("sim_offers"."stock" >= 0)
);
--> statement-breakpoint
CREATE TABLE `sim_rentals` (
	`ref` text PRIMARY KEY NOT NULL,
	`phone` text NOT NULL,
	`service` text NOT NULL,
	`country` integer NOT NULL,
	`cost` integer NOT NULL,
	`customer_ref` text,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE TABLE `sim_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
