CREATE TABLE `agreement_consents` (
	`agreement_id` text NOT NULL,
	`version` integer NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`method` text NOT NULL,
	`decision` text NOT NULL,
	`signature` text,
	`at` integer NOT NULL,
	PRIMARY KEY(`agreement_id`, `version`, `user_id`),
	FOREIGN KEY (`agreement_id`,`version`) REFERENCES `agreement_versions`(`agreement_id`,`version`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `agreement_items` (
	`agreement_id` text NOT NULL,
	`version` integer NOT NULL,
	`item_id` text NOT NULL,
	`kind` text NOT NULL,
	`owner_id` text NOT NULL,
	`due` integer,
	`repeat_every` text,
	`repeat_count` integer,
	PRIMARY KEY(`agreement_id`, `version`, `item_id`),
	FOREIGN KEY (`agreement_id`,`version`) REFERENCES `agreement_versions`(`agreement_id`,`version`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `agreement_news` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` text NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`level` text NOT NULL,
	`item_id` text,
	`created_at` integer NOT NULL,
	`seen_at` integer,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `agreement_news_user_idx` ON `agreement_news` (`user_id`,`seen_at`);--> statement-breakpoint
CREATE TABLE `agreement_signers` (
	`agreement_id` text NOT NULL,
	`version` integer NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`fp` text NOT NULL,
	PRIMARY KEY(`agreement_id`, `version`, `user_id`),
	FOREIGN KEY (`agreement_id`,`version`) REFERENCES `agreement_versions`(`agreement_id`,`version`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `agreement_versions` (
	`agreement_id` text NOT NULL,
	`version` integer NOT NULL,
	`digest` text NOT NULL,
	`prev_digest` text,
	`log_seq` integer NOT NULL,
	`log_hash` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`in_force_at` integer,
	PRIMARY KEY(`agreement_id`, `version`),
	FOREIGN KEY (`agreement_id`) REFERENCES `agreements`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `agreements` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agreements_case_id_unique` ON `agreements` (`case_id`);--> statement-breakpoint
CREATE TABLE `check_ins` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`agreement_id` text NOT NULL,
	`item_id` text NOT NULL,
	`author_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`agreement_id`) REFERENCES `agreements`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `check_ins_agreement_idx` ON `check_ins` (`agreement_id`,`item_id`);--> statement-breakpoint
CREATE TABLE `item_approvals` (
	`agreement_id` text NOT NULL,
	`version` integer NOT NULL,
	`item_id` text NOT NULL,
	`user_id` text NOT NULL,
	`decision` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`agreement_id`, `version`, `item_id`, `user_id`),
	FOREIGN KEY (`agreement_id`,`version`) REFERENCES `agreement_versions`(`agreement_id`,`version`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `item_statuses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agreement_id` text NOT NULL,
	`item_id` text NOT NULL,
	`status` text NOT NULL,
	`actor_id` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`agreement_id`) REFERENCES `agreements`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `item_statuses_agreement_idx` ON `item_statuses` (`agreement_id`,`item_id`);--> statement-breakpoint
ALTER TABLE `case_members` ADD `approve_by` text;--> statement-breakpoint
ALTER TABLE `case_members` ADD `follow_up` text;--> statement-breakpoint
ALTER TABLE `case_members` ADD `agreement_to_supporters` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `cases` ADD `outcome` text;--> statement-breakpoint
ALTER TABLE `cases` ADD `closed_at` integer;