"""Users, the organisation each belongs to, and roles named for what they let a person do."""
