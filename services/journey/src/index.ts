export { type JourneyConfig, journeyConfigSchema, type Principal } from './config.js';
export { addWorkingDays, isWorkingDay, publicHolidays } from './journey/calendar.js';
export { foldJourney, type JourneyView, type SessionFacts } from './journey/journey.js';
export { evolveSession, type SessionJourneys } from './journey/session.js';
export { reviewVigilance, type VigilanceCode, type VigilanceItem } from './journey/vigilance.js';
export { type JourneyServiceOptions, journeyService } from './service.js';
export { DEFAULT_TOPICS, type JourneyTopics, journeyContracts, journeyTopics } from './topics.js';
