// Starts the built app with safe local defaults, so `npm start` needs no configuration.
// adapter-node reads ORIGIN, PORT and HOST from the environment (it does not read `.env`).
process.env.PORT ||= '3000';
process.env.ORIGIN ||= `http://localhost:${process.env.PORT}`;

process.on('unhandledRejection', (reason) => {
	const message = reason instanceof Error ? reason.message : String(reason);
	console.error(`Circlekeeper could not start: ${message}`);
	process.exit(1);
});

await import('../build/index.js');
console.log(`Circlekeeper is listening on ${process.env.ORIGIN}`);
