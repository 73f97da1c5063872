ALTER TABLE `users` ADD `test_of` text REFERENCES users(id);--> statement-breakpoint
CREATE UNIQUE INDEX `users_test_of_unique` ON `users` (`test_of`);
