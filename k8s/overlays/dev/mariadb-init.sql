-- One database and one user per service: a service never reads another's schema.
-- Passwords match the Secrets of kustomization.yaml (dev only; tests/ops checks they agree).
CREATE DATABASE IF NOT EXISTS `tousu_staff_assessment` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'tousu_staff_assessment'@'%' IDENTIFIED BY 'dev-staff-assessment';
GRANT ALL PRIVILEGES ON `tousu_staff_assessment`.* TO 'tousu_staff_assessment'@'%';
CREATE DATABASE IF NOT EXISTS `tousu_intake` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'tousu_intake'@'%' IDENTIFIED BY 'dev-intake';
GRANT ALL PRIVILEGES ON `tousu_intake`.* TO 'tousu_intake'@'%';
CREATE DATABASE IF NOT EXISTS `tousu_routing` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'tousu_routing'@'%' IDENTIFIED BY 'dev-routing';
GRANT ALL PRIVILEGES ON `tousu_routing`.* TO 'tousu_routing'@'%';
CREATE DATABASE IF NOT EXISTS `tousu_case_handling` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'tousu_case_handling'@'%' IDENTIFIED BY 'dev-case-handling';
GRANT ALL PRIVILEGES ON `tousu_case_handling`.* TO 'tousu_case_handling'@'%';
CREATE DATABASE IF NOT EXISTS `tousu_follow_up` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'tousu_follow_up'@'%' IDENTIFIED BY 'dev-follow-up';
GRANT ALL PRIVILEGES ON `tousu_follow_up`.* TO 'tousu_follow_up'@'%';
CREATE DATABASE IF NOT EXISTS `tousu_analytics` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'tousu_analytics'@'%' IDENTIFIED BY 'dev-analytics';
GRANT ALL PRIVILEGES ON `tousu_analytics`.* TO 'tousu_analytics'@'%';
CREATE DATABASE IF NOT EXISTS `tousu_notification` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'tousu_notification'@'%' IDENTIFIED BY 'dev-notification';
GRANT ALL PRIVILEGES ON `tousu_notification`.* TO 'tousu_notification'@'%';
