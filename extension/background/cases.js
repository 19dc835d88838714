// Seller Support case log per listing (watch::cases in the core). Filled in below.
export const casesHandlers = {};
