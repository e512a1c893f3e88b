// The shipped charlm corpus: original English prose written for this project (stories,
// letters, a few essays with plenty of dialogue, so that a trained model has quotations to
// open and close). Embedded as a string so the bundled worker needs no files.

export const BUILTIN_CORPUS = `THE LIGHTHOUSE KEEPER'S NOTEBOOK

The keeper of the lighthouse at the end of the long grey point kept a notebook, and in the notebook he wrote down everything that happened, whether it mattered or not. He wrote the weather in the morning and the weather at night. He wrote the names of the boats that passed, when he could read them, and the colour of the sea when he could not. He wrote what he ate, and how long the kettle took to boil, and whether the gulls were loud or quiet on the rail below the lamp room.

"Why do you write it all down?" his niece asked him, the first summer she came to stay. She was eleven, and she had decided that most of what grown people did was either boring or secret.

"Because I do not know yet which of it will matter," he said. "If I only wrote down the important things, I would have to know in advance what they were. Nobody knows that. So I write down everything, and later, when I need to, I read it back and look for the pattern."

"What pattern?"

"Whatever is there. Last winter I noticed that the fog came in three days after the wind turned east, nearly every time. I did not know that when I wrote down the wind. I only knew it when I read the pages together."

She thought about this while she ate her bread. Then she said, "So the notebook is smarter than you are."

"The notebook remembers more than I do," he said. "That is not the same thing. It cannot tell what is worth noticing. I have to do that part."

The lighthouse stood on a rock that had been an island once, before the causeway was built. At high tide the water came up on both sides of the causeway and the road to the village was only a narrow line of stones with the sea breathing against it. At low tide there were pools full of small crabs and anemones and weed that smelled of iron. The niece spent most of her days in the pools. She kept her own notebook, though she told nobody, and in it she drew the crabs and wrote how many legs each one had and whether it was the same crab as yesterday.

In the evenings the keeper climbed the spiral stairs to the lamp room and trimmed the wick and wound the clockwork that turned the great lens. There were one hundred and twelve steps. The niece counted them every night for a week to be sure, and then she counted them backwards on the way down, and she was annoyed to find that the number was the same.

"It would be strange if it were different," said the keeper.

"It would be interesting," she said.

On the eighth night there was a storm. It began as a low line of cloud on the western horizon, darker than the sea, and by nine o'clock it had eaten the sky. The rain came sideways. The windows of the lamp room hummed in their frames. The keeper did not seem worried; he sat in his chair by the lens and wrote in his notebook by the light of it, and every so often he stood and looked out into the dark as if he could see something there.

"What are you looking for?" she asked.

"Lights," he said. "A boat caught out in this will be running for the harbour. If I see a light where a light should not be, I ring the village."

"And then what?"

"And then the men who know what to do will do it. My part is to see."

She sat beside him for a long time. The great lens turned and turned, and the beam went out over the water and came back, and went out again. In the beam she saw the rain as a thousand bright threads, and beyond the rain the tops of the waves, white and torn. She did not see any boats. At midnight the keeper sent her to bed, and she went, but she lay awake listening to the wind and counting the turns of the light by the way it brushed across her ceiling, once every eleven seconds.

In the morning the sea was flat and shining as if nothing had happened. There was a new line in the keeper's notebook. It said: "Storm from the west, 21:00 to 03:40. Wind strong, then very strong. No vessels seen. Rain heavy. Kettle slow to boil (damp)."

"That's all?" she said.

"That is what happened," he said.

She read back through the pages that morning while he slept. She found the fog that came three days after the east wind. She found that the gulls were quiet on the days before a storm, which he had never mentioned. She found that he had eaten porridge on two hundred and six mornings in a row, and she decided not to mention that either.

When the summer was over and her mother came to take her home, she left her own notebook on the shelf beside his. On the first page she had written, in her best careful letters: "Things I noticed that you did not. Read it later, when you need to."

ON LEARNING TO BAKE BREAD

Nobody learns to bake bread from a book, though everybody tries. The book tells you the quantities: five hundred grams of flour, ten grams of salt, a little yeast, and water until it feels right. It is the last part that matters, and it is the part the book cannot teach. Until it feels right. The first time you make a loaf you have no idea what right feels like, so you add too much water, or too little, and the dough is either a puddle or a stone.

The second time is a little better. By the tenth time your hands have started to remember. They know the moment when the dough stops tearing and begins to stretch. They know how warm the kitchen is without a thermometer, because the dough rises faster on a warm day and you have learned to wait less. None of this is written down. It lives in your fingers, in the same place where you keep the knowledge of how hard to press a pencil or how to catch a ball.

My grandmother made bread every Thursday for fifty years. When I asked her for the recipe she laughed at me. "There isn't one," she said. "There is flour, and water, and time. You just have to pay attention."

"But how much water?"

"Enough," she said. "You'll know."

I did not know. I made a great many bad loaves before I knew. Some were flat and grey. Some were raw in the middle and burnt on the outside. One was so dense that my brother used it as a doorstop for a month, and when he finally threw it away it made a sound on the bottom of the bin like a dropped brick. But each bad loaf taught me something, if I was willing to notice what had gone wrong. The flat ones had risen too long. The raw ones had gone into an oven that was not hot enough. The brick had no water in it to speak of, because I had been afraid of a sticky dough.

There is a lesson here that goes beyond bread. Most skills are learned this way: by trying, by failing in a particular direction, and by adjusting a little against the direction of the failure. If the loaf is too dense, add water. If it spreads, add less. The size of the change matters as much as its direction. Change too much and you overshoot, and the next loaf fails the other way. Change too little and you will be baking doorstops for a year. The best bakers I know make small changes, one at a time, and they write down what they did.

After a while the changes get smaller, because there is less left to correct. The loaves stop being disasters and start being merely different from one another: this one a little more open, that one a little darker on the crust. Then one day you take a loaf out of the oven and knock on the bottom of it and it sounds hollow, the way it should, and you cut it open and the crumb is full of uneven holes and it smells of wheat and something sour and warm, and you realise that you did not think about any of it. Your hands knew.

I still make bread on Thursdays. I have given the recipe to a dozen friends, and I always tell them the same thing my grandmother told me. They never believe me either.

LETTERS FROM THE VALLEY

Dear Anna,

The snow came early this year. On Monday the pass was still open and by Wednesday it was closed, and the postman says he will not try it again until March, so this letter will go down with the last of the timber carts and may reach you before Christmas if the river road holds.

We are well. Father's cough is better since the weather turned dry and cold, though he will not admit that the new medicine helps. He says it is the soup. Perhaps it is the soup. I have been making a great deal of soup.

The school has nine children this winter, the youngest only five. I teach them letters in the morning and numbers in the afternoon, and in between they run out into the snow and come back red in the face and useless for an hour. I do not mind. When I was their age I was the same, and Miss Halder never scolded me for it, though I must have tried her patience every single day.

You asked in your last letter whether I am lonely here. I have thought about it a good deal. I think I am alone more than I am lonely. The valley is quiet, and the evenings are long, and there are not many people to talk to who have read the same books as I have. But there is a great deal to notice. The way the light goes blue on the snow at four o'clock. The tracks of a fox across the orchard, straight as a ruled line, and then suddenly a circle where it stopped to listen to something under the snow. The sound the river makes under the ice, which is not like any other sound.

Write to me about the city. Tell me about the trams and the theatres and the shops with their lamps lit in the afternoon. I like to imagine them while I mend the stockings.

Your loving sister,
Clara

Dear Clara,

Your letter arrived on the twentieth, which the postmaster says is a small miracle. I read it twice on the tram and once more at lunch, and a man at the next table asked me whether it was from a sweetheart, because I was smiling so much. I told him it was better than that.

The city is loud and bright and I love it and I am tired of it, both at once. The trams are crowded at eight in the morning and crowded again at six, and in between they are full of old women with baskets who look at you as though you have personally made the tram late. The theatres are splendid. I saw a play last week about a king who gives away his kingdom and then regrets it, and I cried at the end in front of everyone, and I was not the only one.

I think about your fox often. I think there is more to notice in your valley than in all of my streets, but here there is so much going on that nobody notices anything. You walk past a thousand faces in a day and you could not describe a single one of them.

Give Father my love and tell him I believe in the soup.

Anna

HOW A MACHINE LEARNS TO READ

Imagine a machine that reads one letter at a time and tries to guess the next one. At first it knows nothing. It guesses the letter e, because e is the most common letter, or it guesses at random, and it is almost always wrong. But every time it is wrong we tell it the right answer, and it changes itself a little so that next time it would be a little less wrong.

The machine has a small memory, a list of numbers that it carries from one letter to the next. When it reads a letter, it mixes the letter into the memory, and then it uses the memory to make its guess. The rules for mixing are just multiplications and additions, with a squashing function at the end so that no number grows without limit. The rules have knobs, thousands of them, and learning means turning the knobs.

How do we know which way to turn a knob? We ask: if this knob were a tiny bit larger, would the guess have been better or worse? That question has an exact answer, and there is a way to compute the answers for all the knobs at once, by running the mistake backwards through the same multiplications that produced it. The mistake at the last letter flows back to the memory at the letter before, and from there to the letter before that, and so on, all the way to the beginning of the passage. Each knob collects a little of the blame, and each knob is turned a little in the direction that would have reduced it.

There is a difficulty. When the blame flows backwards through many letters, it passes through the same multiplications again and again. If those multiplications make things smaller, the blame shrinks at every step, and by the time it reaches a letter from long ago it has vanished. The machine cannot learn that the quotation mark it saw fifty letters back means that it should close the quotation soon. If the multiplications make things larger, the blame grows at every step and explodes, and a single bad guess flings the knobs to absurd values. Both problems are real, and both were discovered by people who tried to make such machines work and watched them fail.

The explosion is easy to tame. You measure how large the blame has become, and if it is too large you shrink all of it by the same factor, so that its direction is kept and only its size is limited. This is called clipping. The vanishing is harder. One answer is to give the memory a kind of gate: a number between zero and one that decides, at every letter, how much of the old memory to keep. When the gate is open the memory flows forward unchanged, and the blame flows backward unchanged, and nothing vanishes. The machine learns when to open the gate and when to close it. A machine with gates like these is called a long short-term memory, which is a strange name for a simple idea.

After it has read a few thousand letters, the machine has learned that spaces come between words and that a capital letter follows a full stop. After a hundred thousand letters it has learned common words, and it spells them correctly most of the time. It learns that "the" is followed by a noun more often than by a verb. It learns to open quotation marks and, some time later, to close them. It never learns what any of it means. But if you let it write, one letter at a time, each letter chosen from its own guesses, it produces something that looks, from a distance, like the text it has read.

"Is it thinking?" people ask.

"It is guessing," I tell them. "Very carefully, and with a great deal of practice."

If you open the machine and look at the numbers in its memory while it reads, most of them look like noise. But a few of them mean something you can recognise. One number turns on inside quotations and off outside them. Another counts how far along the line it is, and grows until a new line begins. Another lights up at the start of words. Nobody told the machine to keep track of quotations or lines. It discovered that keeping track of them helped it guess, and so it did.

THE MARKET ON SATURDAY

The market opens at six, but the good stalls are set up by half past five, and the people who know come early. The fish man arrives first, in a van that smells of ice and salt, and he lays out his catch on a bed of crushed ice as carefully as a jeweller setting out rings. Mackerel with their blue and black stripes. A pile of mussels, still closed. Three enormous crabs, tied at the claws, moving slowly as if they were thinking about something.

"What's good today?" asks a woman with a basket.

"Everything's good," says the fish man. "The mackerel's better."

Next to him is the vegetable stall, run by two sisters who do not look alike and who argue all morning in low voices without ever seeming to be angry. They grow everything themselves on a farm an hour away. In spring there are bunches of asparagus and radishes; in summer, beans and tomatoes of every colour; in autumn, squash piled up like cannonballs. The sisters give you the price, and then the other sister gives you a different price, and you pay whichever one is lower and nobody minds.

At the end of the row there is a man who sells nothing but honey. He has jars of it lined up on a wooden shelf, and when the sun comes through them they glow, pale yellow and gold and a dark red brown like old wood. Each jar has a label written by hand: clover, heather, lime blossom, chestnut. He will let you taste any of them from a little wooden spoon.

"Which is best?" a boy asks him.

"Depends what you like," says the honey man. "The clover is sweet and simple. The heather is strong. The chestnut is bitter, and most people don't like it, and the ones who do like it love it more than any of the others."

The boy tastes the chestnut and makes a face. The honey man laughs. "You'll come back for it in twenty years," he says.

By ten o'clock the market is crowded. There is a man playing an accordion by the fountain, badly but with great enthusiasm, and children chasing pigeons, and a dog that has got loose from somewhere and is going from stall to stall with an expression of hope. By one o'clock the fish is gone and the sisters are packing up their empty crates, still arguing. The honey man is the last to leave. He sits on a folding chair in the afternoon sun, reading a paperback, and he does not seem to be in any hurry at all.

A WALK ALONG THE CANAL

The canal runs for eleven miles between the old mill town and the river, and for most of that way the towpath beside it is quiet enough that you can hear the water moving, though it hardly seems to move at all. There are locks every mile or so, with black and white beams and iron paddles that have been turned by so many hands that the metal shines. There are herons. There are always herons, standing on one leg at the water's edge like old men waiting for a bus, and when you come close they unfold themselves and flap away with great slow wingbeats, complaining.

I walked the whole length of it one October with my father, the year before he died. He had walked it as a boy, when the boats still carried coal and the towpath was busy with horses, and he wanted to see it again. He was slow by then, and we stopped often, but he did not want to turn back.

"There used to be a pub here," he said, at the third lock. There was a row of cottages and a bench. "The Navigation. My uncle played dominoes here every Friday of his life."

"Did he win?"

"He said he did. Nobody else remembers it that way."

At the fifth lock a narrowboat was coming through, painted green and red with roses and castles on the doors, and we stopped to watch. A woman worked the paddles while a man held the boat steady with a rope, and the water poured in through the gates with a noise like applause. Slowly the boat rose until it was level with our feet. The woman waved. My father waved back, and said, half to himself, "It still works. All of it. After all this time."

I asked him what he meant, and he said he meant the lock: that somebody had worked out, two hundred years ago, that you could lift a boat up a hill with nothing but water and gates and patience, and that it still worked exactly as they had planned. "They didn't have engines," he said. "They had gravity and they had time, and they used both of them properly."

We ate our sandwiches at the aqueduct, where the canal crosses a valley on a bridge of stone arches, and you can look down from the towpath into the tops of trees. The water in the canal was perfectly still, and the river far below was brown and fast, and it seemed impossible that they were made of the same thing.

"That's the trick of it," my father said. "Keep the level. Everything else follows from that."

We reached the river as the light was going. He was very tired, and we sat for a long time on the last lock gate without saying anything, watching the canal water slip through the gaps in the old wood and join the river, and go on towards the sea.

SMALL RULES FOR A WORKSHOP

Put every tool back where it came from, even if you will need it again in five minutes. Especially then.

Measure twice and cut once. Then measure the piece you cut, because you were wrong anyway.

Keep the blades sharp. A sharp chisel is safer than a blunt one, because a blunt one makes you push, and pushing is how you slip.

Sweep the floor at the end of the day. The shavings are not rubbish yet; they are a record of what you did. Look at them before you throw them away. Long curls mean the plane was sharp and the grain was kind. Dust and splinters mean something went wrong.

Write on the wall what you are making and why. When you forget, and you will forget, the wall will remind you.

Do not hurry the glue. Glue has its own time, and it does not care about yours.

When something goes badly, stop and make a cup of tea before you try to fix it. Most mistakes are made in the minute after the first mistake.

Teach anyone who asks. You will find out what you actually know, which is usually less than you thought and sometimes more.

THE RIVER AND THE STONE

An old story tells of a river that came down from the mountains and met a great stone lying across its path. The river pushed against the stone, but the stone did not move. "Get out of my way," said the river. "I have to get to the sea."

"I was here first," said the stone. "Go around."

The river was proud and did not want to go around. It pushed and pushed, and it grew deep and angry behind the stone, and it flooded the fields on either side, and still the stone did not move. At last the river grew tired of pushing, and without quite deciding to, it began to find the small cracks at the edges of the stone, and to slip through them, a little at a time.

A hundred years went by. The cracks grew wider. The river flowed through them easily now, singing over the pebbles it had carried down from the hills. The stone was still there, but it was smaller, and rounder, and it had a long smooth groove in its back where the water ran.

"You did not move me," said the stone.

"No," said the river. "I only kept going."

After a thousand years there was no stone at all, only a pool where it had been, and children swam in the pool in summer, and nobody remembered that anything had ever stood in the river's way.

NOTES ON PATIENCE

My teacher used to say that the hardest part of any experiment is waiting for the answer. You set it up carefully, you check everything twice, and then you start it, and there is nothing to do but watch the numbers come in, one at a time, and try not to read too much into each one.

"The first few numbers always lie," she said. "They go up when they should go down. They jump about. If you stop the experiment every time it looks bad, you will never finish one. Decide in advance how long you will wait, and then wait that long."

"And if it is still bad at the end?"

"Then you have learned something. Write it down. Change one thing. Start again."

It was good advice, and I have not always followed it. There is a great temptation to fiddle, to change three things at once because you are impatient, and then when the result improves you do not know which of the three changes helped, or whether it was luck. The slow way is faster in the end. Change one thing. Keep a record. Compare like with like. Run it again with a different seed, to see whether the result is real or whether the dice were kind.

She kept a large ledger with every experiment she had ever run, good and bad, each on its own line: the date, what she changed, what she expected, what happened. When a student came to her with an idea, she would open the ledger and find the line where she had tried something similar, twenty years before, and show them what had happened. Sometimes she would say, "That did not work for me, but I did it badly. Try it properly." And sometimes it worked.
`;
