CREATE TABLE `own_sims` (
	`id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`phone` text NOT NULL,
	`country` integer NOT NULL,
	`device_id` text,
	`slot` integer,
	`services` text,
	`rental_ref` text,
	`rental_service` text,
	`rented_at` integer,
	`last_rented_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `own_sims_phone_unique` ON `own_sims` (`phone`);--> statement-breakpoint
CREATE UNIQUE INDEX `own_sims_device_slot_unique` ON `own_sims` (`provider`,`device_id`,`slot`);--> statement-breakpoint
CREATE UNIQUE INDEX `own_sims_rental_unique` ON `own_sims` (`provider`,`rental_ref`);--> statement-breakpoint
CREATE TABLE `own_sim_spent` (
	`sim_id` text NOT NULL,
	`service` text NOT NULL,
	`spent_at` integer NOT NULL,
	PRIMARY KEY(`sim_id`, `service`),
	FOREIGN KEY (`sim_id`) REFERENCES `own_sims`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `own_sim_devices` (
	`provider` text NOT NULL,
	`device_id` text NOT NULL,
	`last_seen_at` integer NOT NULL,
	`health` text,
	`silent_alert_at` integer,
	PRIMARY KEY(`provider`, `device_id`)
);
--> statement-breakpoint
CREATE TABLE `own_sim_unrented_sms` (
	`id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`phone` text,
	`device_id` text,
	`slot` integer,
	`sender` text,
	`length` integer NOT NULL,
	`received_at` integer NOT NULL,
	`recorded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `own_sim_unrented_sms_recorded` ON `own_sim_unrented_sms` (`recorded_at`);
