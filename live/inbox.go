package live

// InboxStreamID is the hub "channel" of the direct-message event log: its
// sequence numbers are dm_events ids. Each instance has one reader of it, as
// for a channel, and every person's inbox stream takes from it the events
// that name them as a recipient. Channel ids are positive, so it cannot
// collide with one.
const InboxStreamID int64 = -1
