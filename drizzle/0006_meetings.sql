CREATE TABLE `meeting_invitees` (
	`meeting_id` text NOT NULL,
	`user_id` text NOT NULL,
	`rsvp` text DEFAULT 'pending' NOT NULL,
	`rsvp_at` integer,
	`arrive_after_min` integer DEFAULT 0 NOT NULL,
	`leave_before_min` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`meeting_id`, `user_id`),
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `meeting_invitees_user_idx` ON `meeting_invitees` (`user_id`);--> statement-breakpoint
CREATE TABLE `meeting_notices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` text NOT NULL,
	`meeting_id` text NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`about_id` text,
	`created_at` integer NOT NULL,
	`seen_at` integer,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `meeting_notices_user_idx` ON `meeting_notices` (`user_id`,`seen_at`);--> statement-breakpoint
CREATE TABLE `meeting_polls` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`kind` text NOT NULL,
	`duration_min` integer NOT NULL,
	`time_zone` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`meeting_id` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `meeting_polls_case_idx` ON `meeting_polls` (`case_id`);--> statement-breakpoint
CREATE TABLE `meetings` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`kind` text NOT NULL,
	`starts_at` integer NOT NULL,
	`duration_min` integer NOT NULL,
	`time_zone` text NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`poll_id` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`changed_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `meetings_case_idx` ON `meetings` (`case_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `poll_answers` (
	`poll_id` text NOT NULL,
	`user_id` text NOT NULL,
	`idx` integer NOT NULL,
	`answer` text NOT NULL,
	PRIMARY KEY(`poll_id`, `user_id`, `idx`),
	FOREIGN KEY (`poll_id`) REFERENCES `meeting_polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `poll_invitees` (
	`poll_id` text NOT NULL,
	`user_id` text NOT NULL,
	`answered_at` integer,
	`joint_consent` text,
	PRIMARY KEY(`poll_id`, `user_id`),
	FOREIGN KEY (`poll_id`) REFERENCES `meeting_polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `poll_invitees_user_idx` ON `poll_invitees` (`user_id`);--> statement-breakpoint
CREATE TABLE `poll_slots` (
	`poll_id` text NOT NULL,
	`idx` integer NOT NULL,
	`starts_at` integer NOT NULL,
	PRIMARY KEY(`poll_id`, `idx`),
	FOREIGN KEY (`poll_id`) REFERENCES `meeting_polls`(`id`) ON UPDATE no action ON DELETE cascade
);
