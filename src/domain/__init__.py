"""The pure core of TaskReward: entities, value objects, rules and errors (standard library only)."""
