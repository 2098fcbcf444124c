package chat

// HumanDuration is humanDuration for tests in package chat_test.
var HumanDuration = humanDuration
