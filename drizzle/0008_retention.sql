CREATE TABLE `program_stats` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `audit_events` ADD `case_id` text REFERENCES cases(id) ON DELETE cascade;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `subject_id` text;--> statement-breakpoint
CREATE INDEX `audit_case_idx` ON `audit_events` (`case_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_subject_idx` ON `audit_events` (`subject_id`,`at`);--> statement-breakpoint
ALTER TABLE `users` ADD `orphaned_at` integer;--> statement-breakpoint
UPDATE `audit_events` SET `case_id` = `object_id` WHERE `object_type` = 'case' AND `object_id` IN (SELECT `id` FROM `cases`);--> statement-breakpoint
UPDATE `audit_events` SET `case_id` = (SELECT `case_id` FROM `meetings` WHERE `meetings`.`id` = `audit_events`.`object_id`) WHERE `object_type` = 'meeting';--> statement-breakpoint
UPDATE `audit_events` SET `case_id` = (SELECT `case_id` FROM `meeting_polls` WHERE `meeting_polls`.`id` = `audit_events`.`object_id`) WHERE `object_type` = 'poll';--> statement-breakpoint
UPDATE `audit_events` SET `case_id` = (SELECT `case_id` FROM `agreements` WHERE `agreements`.`id` = `audit_events`.`object_id`) WHERE `object_type` = 'agreement';
