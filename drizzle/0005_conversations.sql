CREATE TABLE `attachment_chunks` (
	`attachment_id` text NOT NULL,
	`idx` integer NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`attachment_id`, `idx`),
	FOREIGN KEY (`attachment_id`) REFERENCES `attachments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`size` integer NOT NULL,
	`chunk_size` integer NOT NULL,
	`chunk_count` integer NOT NULL,
	`object_id` text,
	`version` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`case_id`,`object_id`,`version`) REFERENCES `case_envelopes`(`case_id`,`object_id`,`version`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `attachments_object_idx` ON `attachments` (`case_id`,`object_id`,`version`);--> statement-breakpoint
CREATE INDEX `attachments_owner_idx` ON `attachments` (`owner_id`,`object_id`);--> statement-breakpoint
CREATE TABLE `relays` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`from_id` text NOT NULL,
	`to_id` text NOT NULL,
	`proposed_by` text,
	`proposal_object_id` text,
	`status` text NOT NULL,
	`relay_object_id` text,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `relays_case_idx` ON `relays` (`case_id`,`from_id`);