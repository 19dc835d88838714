//! Settings, listings storage model, sync encoding, history and case log.
