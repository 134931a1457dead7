CREATE TABLE `case_seen` (
	`user_id` text NOT NULL,
	`case_id` text NOT NULL,
	`object_id` text NOT NULL,
	`version` integer NOT NULL,
	`seen_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `case_id`, `object_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `form_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`audience` text NOT NULL,
	`name` text NOT NULL,
	`content_note` text NOT NULL,
	`questions` text NOT NULL,
	`in_use` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `form_templates_audience_idx` ON `form_templates` (`audience`,`in_use`);--> statement-breakpoint
ALTER TABLE `case_members` ADD `mode` text;--> statement-breakpoint
ALTER TABLE `case_members` ADD `joint_consent` text;--> statement-breakpoint
ALTER TABLE `case_members` ADD `mode_shown` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `case_members` ADD `choices_at` integer;--> statement-breakpoint
ALTER TABLE `personal_envelopes` ADD `case_id` text REFERENCES cases(id) ON DELETE cascade;--> statement-breakpoint
CREATE INDEX `personal_envelopes_case_idx` ON `personal_envelopes` (`case_id`);