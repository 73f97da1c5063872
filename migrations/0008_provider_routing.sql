CREATE TABLE `provider_offers` (
	`provider` text NOT NULL,
	`service` text NOT NULL,
	`country` integer NOT NULL,
	`cost` integer NOT NULL,
	`stock` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`provider`, `service`, `country`)
);
--> statement-breakpoint
CREATE TABLE `provider_status` (
	`name` text PRIMARY KEY NOT NULL,
	`enabled` integer NOT NULL,
	`balance` integer,
	`last_sync_at` integer,
	`last_error` text,
	`alert` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `activations` ADD `upstream_cost` integer;--> statement-breakpoint
ALTER TABLE `activations` ADD `margin` integer;--> statement-breakpoint
CREATE INDEX `activations_route_ended` ON `activations` (`service`,`country`,`ended_at`);
