"""Scheduler service: schedules, jobs and the event dispatcher."""
