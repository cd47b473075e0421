package whatsapp

// LeaseKey is the advisory lock of an account's device, for tests that look for it.
func LeaseKey(accountID int64) int64 { return leaseKey(accountID) }
