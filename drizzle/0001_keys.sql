CREATE TABLE `device_shares` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`share` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `device_shares_user_idx` ON `device_shares` (`user_id`);--> statement-breakpoint
CREATE TABLE `handovers` (
	`link_id` text PRIMARY KEY NOT NULL,
	`wrap_id` text NOT NULL,
	`salt` text NOT NULL,
	`box` text NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`link_id`) REFERENCES `links`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `identities` (
	`user_id` text PRIMARY KEY NOT NULL,
	`key_version` integer NOT NULL,
	`box_pk` text NOT NULL,
	`sign_pk` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `key_wraps` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`wrap_id` text NOT NULL,
	`salt` text NOT NULL,
	`box` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `key_wraps_user_kind_wrap` ON `key_wraps` (`user_id`,`kind`,`wrap_id`);--> statement-breakpoint
CREATE TABLE `personal_envelopes` (
	`user_id` text NOT NULL,
	`object_id` text NOT NULL,
	`kind` text NOT NULL,
	`version` integer NOT NULL,
	`deleted` integer NOT NULL,
	`header` text NOT NULL,
	`body` text NOT NULL,
	`wrap` text NOT NULL,
	`size` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `object_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `sessions` ADD `key_share` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `device_id` text;