CREATE TABLE `watch_leases` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`expires_at` integer NOT NULL,
	CONSTRAINT "watch_leases_kind" CHECK("watch_leases"."kind" IN ('long_poll', 'stream'))
);
--> statement-breakpoint
CREATE INDEX `watch_leases_user` ON `watch_leases` (`user_id`,`expires_at`);
