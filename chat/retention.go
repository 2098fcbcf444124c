package chat

import "context"

// RunRetention removes message bodies older than the retention period until
// ctx ends. Placeholder until retention is written.
func (s *Service) RunRetention(ctx context.Context) { <-ctx.Done() }
