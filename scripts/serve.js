// Starts the built app with safe local defaults, so `npm start` needs no configuration.
// adapter-node reads ORIGIN, PORT and HOST from the environment (it does not read `.env`).
process.env.PORT ||= '3000';
process.env.ORIGIN ||= `http://localhost:${process.env.PORT}`;

/** @param {unknown} reason */
function cannotStart(reason) {
	const message = reason instanceof Error ? reason.message : String(reason);
	console.error(`Circlekeeper could not start: ${message}`);
	process.exit(1);
}
process.on('unhandledRejection', cannotStart);

// The server's start-up (opening the database, migrations) runs as the module loads.
await import('../build/index.js').catch(cannotStart);
console.log(`Circlekeeper is listening on ${process.env.ORIGIN}`);
