// The API's shapes, from the TypeScript types generated from docs/openapi.json (clients/typescript). Only tsc reads
// these comments (scripts/web-check.sh); the browser loads this module as an empty one.

/** @typedef {import("beatorleans-api").components["schemas"]} Schemas */
/** @typedef {Schemas["BeatResponse"]} Beat */
/** @typedef {Schemas["BeatsPageResponse"]} BeatsPage */
/** @typedef {Schemas["LicenseOfferResponse"]} LicenseOffer */
/** @typedef {Schemas["LicensesResponse"]} Licenses */
/** @typedef {Schemas["LicenseTierRequest"]} LicenseTier */
/** @typedef {Schemas["LicenseResponse"]["license_type"]} LicenseType */
/** @typedef {Schemas["TokenResponse"]} Tokens */
/** @typedef {Schemas["SignupResponse"]} SignedUp */
/** @typedef {Schemas["ProfileResponse"]} Profile */
/** @typedef {Schemas["PublicProfileResponse"]} PublicProfile */
/** @typedef {Schemas["VoiceTagResponse"]} VoiceTag */
/** @typedef {Schemas["PasswordChangedResponse"]} PasswordChanged */
/** @typedef {Schemas["LogoutAllResponse"]} LoggedOutEverywhere */
/** @typedef {Schemas["WaveformResponse"]} Waveform */
/** @typedef {Schemas["StreamResponse"]} StreamUrl */
/** @typedef {Schemas["PurchaseResponse"]} Purchase */
/** @typedef {Schemas["PurchasesPageResponse"]} PurchasesPage */
/** @typedef {Schemas["DownloadResponse"]} Download */
/** @typedef {Schemas["SalesPageResponse"]} SalesPage */
/** @typedef {Schemas["DeletedResponse"]} Deleted */
/** @typedef {Schemas["StemsResponse"]} StemsSent */
/** @typedef {Schemas["CoverResponse"]} Cover */
/** @typedef {Schemas["SentMessageResponse"]} SentMessage */
/** @typedef {Schemas["MessageResponse"]} Message */
/** @typedef {Schemas["MessagesResponse"]} MessagesPage */
/** @typedef {Schemas["ChatHistoryResponse"]} ChatHistory */
/** @typedef {Schemas["ChatResponse"]} Chat */
/** @typedef {Schemas["NotificationResponse"]} Notification */
/** @typedef {Schemas["NotificationsResponse"]} Notifications */
/** @typedef {Schemas["MarkAsReadResponse"]} MarkedRead */
/** @typedef {Schemas["HttpValidationProblemDetails"]} Problem */
/** @typedef {Schemas["OfferResponse"]} Offer */
/** @typedef {NonNullable<import("beatorleans-api").paths["/api/beats"]["get"]["parameters"]["query"]>} SearchQuery */

/**
 * A frame of /ws/chat/{user_id} (docs/asyncapi.json).
 * @typedef {{ type: "real-time message", chat_id: string, message_id: string, sender: string, content: string,
 *   sent_at: string, message: string, kind?: Message["kind"], offer?: Message["offer"] }} LiveMessage
 */
/**
 * A frame of /ws/notifications/{user_id} (docs/asyncapi.json).
 * @typedef {{ type: "real-time notification", notification_id: string, kind: string, message: string,
 *   status: "unread" | "read", created_at: string, subject_type?: string | null, subject_id?: string | null }} LiveNotification
 */

export {};
