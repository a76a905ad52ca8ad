"""检查需求: departments' inspection requests and the due checks gathered for a region and period."""
