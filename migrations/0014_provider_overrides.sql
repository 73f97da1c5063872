CREATE TABLE `provider_overrides` (
	`name` text PRIMARY KEY NOT NULL,
	`disabled_at` integer NOT NULL
);
