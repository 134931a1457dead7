CREATE TABLE `case_envelopes` (
	`case_id` text NOT NULL,
	`object_id` text NOT NULL,
	`version` integer NOT NULL,
	`kind` text NOT NULL,
	`author_id` text NOT NULL,
	`subject` text,
	`deleted` integer NOT NULL,
	`header` text NOT NULL,
	`body` text NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`case_id`, `object_id`, `version`),
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `case_envelopes_kind_idx` ON `case_envelopes` (`case_id`,`kind`);--> statement-breakpoint
CREATE TABLE `case_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` text NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `case_events_case_idx` ON `case_events` (`case_id`,`id`);--> statement-breakpoint
CREATE TABLE `case_invites` (
	`link_id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`role` text NOT NULL,
	`supports` text,
	FOREIGN KEY (`link_id`) REFERENCES `links`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `case_invites_case_idx` ON `case_invites` (`case_id`);--> statement-breakpoint
CREATE TABLE `case_log` (
	`case_id` text NOT NULL,
	`seq` integer NOT NULL,
	`entry` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`case_id`, `seq`),
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `case_members` (
	`case_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`supports` text,
	`display_name` text NOT NULL,
	`fp` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`joined_at` integer NOT NULL,
	`status_at` integer NOT NULL,
	PRIMARY KEY(`case_id`, `user_id`),
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `case_members_user_idx` ON `case_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `case_pending` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`user_id` text NOT NULL,
	`change` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `case_pending_case_idx` ON `case_pending` (`case_id`);--> statement-breakpoint
CREATE TABLE `case_wraps` (
	`case_id` text NOT NULL,
	`object_id` text NOT NULL,
	`version` integer NOT NULL,
	`reader_id` text NOT NULL,
	`wrapper_id` text NOT NULL,
	`box` text NOT NULL,
	PRIMARY KEY(`case_id`, `object_id`, `version`, `reader_id`),
	FOREIGN KEY (`case_id`,`object_id`,`version`) REFERENCES `case_envelopes`(`case_id`,`object_id`,`version`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `case_wraps_reader_idx` ON `case_wraps` (`reader_id`,`case_id`);--> statement-breakpoint
CREATE TABLE `cases` (
	`id` text PRIMARY KEY NOT NULL,
	`ref` text NOT NULL,
	`lead_id` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`lead_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cases_ref_unique` ON `cases` (`ref`);